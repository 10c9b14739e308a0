"""The Qt window. Widgets, Qt models and workers only; all journal logic lives in the core."""

"""The Qt-free core: domain model, storage, Ollama service and run lifecycle.

Nothing in this package may import Qt; the CLI and the GUI both sit on it.
"""

"""LLM Journal: a lab notebook for trial-and-error work with local Ollama models."""

__version__ = "0.1.0"

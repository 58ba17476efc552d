"""No models: read-only views."""

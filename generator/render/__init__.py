"""Layer 2: templates into Documents: discovery and overrides, the Jinja environment, the render context, figures."""

"""The experts' workbench."""

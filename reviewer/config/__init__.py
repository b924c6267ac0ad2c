"""Rule files, the configuration file, and their schemas."""

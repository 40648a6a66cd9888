"""The municipalities of Norway over time (kommunenummer, county, reforms) and the tool that updates them."""

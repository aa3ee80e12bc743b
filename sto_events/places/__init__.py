"""Dutch places with coordinates: reference data for locating schools, companies and regions."""

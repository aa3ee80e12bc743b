"""Schools, mbo institutions, companies and networks: who takes part in the programme, and where."""

"""The 78 STO regions: their plan, their penvoerder and the organisations that work together in them."""

"""Values: what a layout derives (stage, county, dates, the hospital), normalisation to the contract's types,
and personal data hashed or dropped before anything is stored."""

"""Pure budget arithmetic: Decimal intervals, readings of cost standards against quantities, money formatting."""

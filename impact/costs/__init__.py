"""Cost layer: product costs, fee schedules, ad spend and currencies, for profit."""

"""The diner's phone: the menu page of one table visit, its texts, its socket room."""

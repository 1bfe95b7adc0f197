"""Order taking: tables, visits, orders and their items, diners' requests; the item status
vocabulary; pricing an order (pure); the links' tokens and QR codes."""

"""The cashier terminal: the floor and checks, counter and takeaway orders, requests, the
day's register and the audit log; its pages and scripts."""

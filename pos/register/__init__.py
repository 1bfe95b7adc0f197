"""The day at the till: the register session from float to count, cash in and out, and
the Z report."""

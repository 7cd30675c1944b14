"""One module per command: each adds its arguments and runs; main.py wires them up."""

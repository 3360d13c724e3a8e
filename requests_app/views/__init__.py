"""The pages of data requests, one module per concern; urls.py imports each module."""

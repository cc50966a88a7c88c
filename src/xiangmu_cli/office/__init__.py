"""Spreadsheets in and out: xm import (xlsx, csv, with its limits) and xm export xlsx.

Imports the layers below it (``base`` … ``write``).
"""

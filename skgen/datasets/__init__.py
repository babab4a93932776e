"""Offline data: synthetic transactions and a loader for the real Kaggle file."""

from ._transactions import load_creditcard, make_transactions

__all__ = ["load_creditcard", "make_transactions"]

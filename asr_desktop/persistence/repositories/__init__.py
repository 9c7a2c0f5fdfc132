"""Repositories: the only place where the program writes SQL (architecture §2.2 rule 2).

One small module per aggregate. Each repository is built around a ``Session`` given by the
caller (a service method's unit of work) and returns domain values, never ORM rows.
"""

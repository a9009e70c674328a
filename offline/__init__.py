"""Offline rendering of the program under Pulumi's mock engine: the engine, stack files, and the plan."""

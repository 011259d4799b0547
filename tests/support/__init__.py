"""Helpers shared by the tests and the benches: shops, rows, servers, browsers, AppTest.

Fixtures stay in the ``conftest.py`` files (and call these); no test module imports
another test module or a conftest. Benches import these too (run them from the
repository root as ``python -m bench.<name>``, so that ``tests`` is importable).
"""

"""The demo's generators: code that turns a case study's plan (``demo/plans.py``, read from
``demo/data/``) and a random stream into rows, through the apps' services. ``demo/steps.py``
lists them in the order they run."""

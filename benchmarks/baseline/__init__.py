"""Baselines of the intake benchmark (``benchmarks/bench_intake.py``), never part of the
package: a bare Django view (a plain form and one INSERT) and a Wagtail form builder page
asking the same fields as the benchmark's petition. Installed only by
``benchmarks/intake_settings.py`` (its own migrations, in ``migrations/``)."""

"""Tests of the Jobs' code. In a Job, each module runs from a folder holding its siblings (`/opt/job`), so they
import each other by bare name; the same folder is put on the path here."""

import sys
from pathlib import Path

JOBS_DIR = str(Path(__file__).resolve().parents[2] / "jobs")
if JOBS_DIR not in sys.path:
    sys.path.insert(0, JOBS_DIR)

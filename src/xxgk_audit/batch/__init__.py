"""Batch audit: every report under files and folders → findings.csv, findings.xlsx, reports.csv,
batch.json and the overview memo overview.html (``xxgk-audit batch``, interface.md).

Design
------
The batch runs on any ``concurrent.futures``-style executor (an object whose ``submit(fn, *args)``
returns something with ``result()``): in-process for ``jobs=1``, a process pool for ``jobs>1``, a
Dask ``Client`` (or ``client.get_executor()``) for collections too large for one machine. Workers
get *chunks* of files, import the engine once per process and return compact plain data.

1. **Scan** (parallel, cheap). Each file is loaded and only its title, agency and year are read
   (:func:`xxgk_audit.parse.document_metadata`, the very code the full parse uses). A slow format
   (PDF, DOCX, HTML) leaves its loaded ``Document`` as JSON (data, never a pickle) in a spool
   folder inside the run's private staging folder, so the audit pass does not extract it again;
   a text file is cheaper to load twice than to spool. The parent keeps one small :class:`ScanRecord` per file.
2. **Plan** (parent). Each report gets its prior: the same agency's report of the year before
   (exact normalised name first; the rest through :func:`xxgk_audit.loading.pair_priors`, the one
   definition of "same agency"). Hierarchy declarations (``hierarchy.yaml`` / ``hierarchy.csv``)
   give a summary report its members. Reports linked by a prior or a hierarchy form a component;
   a component is ordered (prior before report, members before summary) and never split, and
   components are packed into tasks of about ``chunk_size`` files.
3. **Audit** (parallel). A worker parses each report of its task once, in order, and keeps a parsed
   report only until its last use as a prior or member later in the same task, so a worker holds a
   few reports at a time, never the collection. It returns per report a summary dict, the key cells
   and the findings as plain dicts, with their findings.csv lines (:func:`audit_chunk`).
4. **Write** (parent, streaming). Task results are consumed in submission order with a bounded
   window of tasks in flight; rows go straight into findings.csv, reports.csv and the write-only
   sheets of findings.xlsx, each finding with its verdict and each report with its reviewed status
   from the review store (read only). The parent keeps only the scan records, the plan and per-rule
   counts: memory is flat in the size of the collection.
5. **Overview**. ``notebooks/batch_overview.ipynb`` reads the folder (reports.csv, findings.csv,
   batch.json) and is exported through :func:`xxgk_audit.memo.export_notebook`.
6. **Install**. Everything is written into a private staging folder in the output folder; only a
   complete run moves its outputs into place, together (:mod:`.outputs`, which also holds the
   lock that keeps a second batch out of the same folder).

Exit status (as ``check``): 0 no finding of severity error (errors marked 不是问题 do not count);
1 at least one error finding not dismissed; 2 a file could not be read at all (it is an
``UNREADABLE`` row), a hierarchy declaration is broken, the overview could not be made, the review
store cannot be read, or no report was found at all.

Modules
-------
``discover`` finds the input files; ``hierarchy`` reads the declarations; ``records`` holds the
data passed to and from workers; ``worker`` is what runs in a worker (scan, audit); ``pairing``
and ``plan`` make the tasks; ``executors`` submits them; ``run`` drives the passes; ``schema``,
``writers`` and ``workbook`` write the CSV and Excel outputs; ``verdicts`` puts the auditors'
verdicts into them (also again later: :func:`apply_verdicts`); ``summary`` holds the result and
batch.json; ``overview_memo`` exports overview.html; ``outputs`` locks the output folder and
installs a run's outputs; ``spool`` keeps the scan's documents; ``command`` is ``xxgk-audit batch``.
"""

from __future__ import annotations

from .command import cmd_batch
from .discover import Inputs, find_inputs
from .hierarchy import read_hierarchy
from .overview_memo import export_overview
from .pairing import pair_records
from .plan import Plan, plan_batch
from .records import ScanRecord, WorkItem
from .run import run_batch
from .schema import CROSS_RULES, KEY_CELLS, STATUS_LABELS, UNREADABLE_RULE  # read by xxgk_audit.overview
from .summary import BatchSummary
from .verdicts import apply_verdicts
from .worker import audit_chunk, scan_chunk

__all__ = ["BatchSummary", "run_batch", "apply_verdicts", "find_inputs", "read_hierarchy", "pair_records", "plan_batch", "scan_chunk", "audit_chunk", "export_overview", "cmd_batch"]

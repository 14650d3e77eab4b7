"""gongwen: GB/T 9704-2012 official documents from plans, drafts and rosters."""

__version__ = "0.1.0"

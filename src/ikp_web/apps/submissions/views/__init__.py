"""Views of data collection, one module per screen."""

from ikp_web.apps.submissions.views.batch import batch, batch_template
from ikp_web.apps.submissions.views.progress import progress
from ikp_web.apps.submissions.views.questionnaire import annotated, questionnaire, template, upload
from ikp_web.apps.submissions.views.review import reopen, review
from ikp_web.apps.submissions.views.uploads import decide
from ikp_web.apps.submissions.views.worklist import worklist

__all__ = [
    "annotated",
    "batch",
    "batch_template",
    "decide",
    "progress",
    "questionnaire",
    "reopen",
    "review",
    "template",
    "upload",
    "worklist",
]

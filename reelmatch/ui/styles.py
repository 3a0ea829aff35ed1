"""The app's few CSS rules, in one place, drawn once per run by the shell (it takes no space).

Streamlit stacks columns one per row below 640 px, which turns a row of five poster cards
into five screens of posters on a phone. The rules below keep cards two to a row there
(posters scale with their column), keep For you's four feedback buttons in one row (their
tooltips name them), and put a "Menu" label next to the phone's sidebar arrow. Card titles
break between words with an ellipsis instead of being clipped mid-word. Cards are containers
keyed "card-…"; feedback buttons are keyed "fb-…" (decision 88).
"""

from __future__ import annotations

import streamlit as st

#: A row of columns that holds cards, and one that holds feedback buttons.
_CARD_ROW = (
    '[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [class*="st-key-card-"])'
)
_FEEDBACK_ROW = '[data-testid="stHorizontalBlock"]:has([class*="st-key-fb-up-"])'

APP_CSS = f"""<style>
[class*="st-key-card-"] [data-testid="stPageLink-NavLink"],
[class*="st-key-card-"] [data-testid="stBaseButton-tertiary"] {{ max-width: 100%; min-width: 0; }}
[class*="st-key-card-"] [data-testid="stPageLink-NavLink"] span,
[class*="st-key-card-"] [data-testid="stBaseButton-tertiary"] div {{
  min-width: 0; overflow: hidden;
}}
[class*="st-key-card-"] [data-testid="stPageLink-NavLink"] p,
[class*="st-key-card-"] [data-testid="stBaseButton-tertiary"] p {{
  display: -webkit-box; -webkit-line-clamp: 2; -webkit-box-orient: vertical;
  white-space: normal; word-break: normal; overflow: hidden; text-overflow: ellipsis;
}}
@media (max-width: 640px) {{
  {_CARD_ROW} {{ flex-flow: row wrap !important; gap: 0.5rem !important; }}
  {_CARD_ROW} > [data-testid="stColumn"] {{
    flex: 0 0 calc(50% - 0.25rem) !important; width: calc(50% - 0.25rem) !important;
    min-width: 0 !important;
  }}
  {_CARD_ROW} > [data-testid="stColumn"]:empty {{ display: none; }}
  {_FEEDBACK_ROW} {{ flex-flow: row nowrap !important; gap: 0.25rem !important; }}
  {_FEEDBACK_ROW} > [data-testid="stColumn"] {{
    flex: 1 1 0 !important; width: auto !important; min-width: 0 !important;
  }}
  [data-testid="stExpandSidebarButton"]::after {{
    content: "Menu"; margin-left: 0.25rem; font-size: 0.9rem;
  }}
}}
</style>"""


def app_css() -> None:
    st.html(APP_CSS)

"""The app's entrypoint as AppTest runs it.

AppTest recomputes Streamlit's old "pages/ folder" routing mode before every run; next to app.py
(where `pages/` lives) each AppTest run would start in that mode and lose widget input to the
switch-over rerun (see reelmatch/ui/routing.py). From this folder, which has no `pages/`, every
run is routed by `st.navigation`, as every run after the first is in a real server. It runs
app.py itself; page paths are absolute, so nothing else changes.
"""

import runpy
from pathlib import Path

runpy.run_path(str(Path(__file__).resolve().parents[2] / "app.py"), run_name="__main__")

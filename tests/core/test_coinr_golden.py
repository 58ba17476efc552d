"""Golden values from COINr's own documentation: the ASEM example coin
(``build_example_coin()``: group-mean imputation by EurAsia_group, default Treat, min-max 0-100)
as printed in COINr's "Data selection" vignette (COINr 1.1.14, ``get_dset(coin, "Normalised")``).
Our methods give the same numbers to the 7 significant digits COINr prints. Indicators that
COINr denominates first (Flights, Bord) are not compared: ikp has no denomination step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ikp.methods.impute import impute
from ikp.methods.normalize import normalize
from ikp.methods.treat import treat

ASEM = Path(__file__).parents[1] / "fixtures" / "asem"

# uCode: (LPI, Ship) — https://stat.ethz.ch/CRAN/web/packages/COINr/vignettes/data_selection.html
COINR_NORMALISED = {
    "AUS": (79.96112, 66.14497),
    "AUT": (94.07137, 0.00000),
    "BEL": (94.56023, 97.14314),
    "BGD": (27.63906, 45.80661),
    "BGR": (34.29965, 37.40495),
}


def test_asem_normalised_matches_coinr() -> None:
    data = pd.read_csv(ASEM / "iData.csv")
    meta = pd.read_csv(ASEM / "iMeta.csv")
    ind = meta[meta["Type"] == "Indicator"]
    cols = list(ind["iCode"])
    x = data[cols].to_numpy(dtype=float)
    imputed, _ = impute(x, "group_mean", groups=data["EurAsia_group"].to_numpy())
    treated, _ = treat(imputed, "winsorise", max_points=5)
    normed = normalize(
        treated, "minmax", direction=ind["Direction"].to_numpy(float), lower=0, upper=100
    )
    frame = pd.DataFrame(normed, columns=cols, index=data["uCode"])
    for unit, (lpi, ship) in COINR_NORMALISED.items():
        np.testing.assert_allclose(
            frame.loc[unit, ["LPI", "Ship"]].to_numpy(float), [lpi, ship], atol=5e-6
        )

"""The prover (issue 4): proof obligations per (invariant, operation), lemmas, bounded model checking
from genesis with reachability (vacuity) checks, and the report behind ``icnspec prove``."""

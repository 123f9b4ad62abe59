"""What every service of every app shares: money in exact cents (``money``), the one way an
object is changed and audited (``edits``), and the types of service signatures (``types``).

The kernel imports nothing of the apps above core, so any module may use it."""

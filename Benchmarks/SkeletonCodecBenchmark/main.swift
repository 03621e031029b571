// Filled in by the skeleton benchmark work.

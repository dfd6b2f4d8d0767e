using System.Runtime.CompilerServices;

// The engine's hot methods inline the EVM state reader's structs (accounts, values, locations of 48 to 80 bytes), and the
// JIT zeroed their frames on every call (672 of 904 bytes in a location's first pre-state read) although every local is
// assigned before it is read. Each stackalloc in this assembly is written in full before it is read.
[module: SkipLocalsInit]

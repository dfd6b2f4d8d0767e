global using Hyperion.Core;

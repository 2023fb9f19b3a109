global using Platform.Tests;

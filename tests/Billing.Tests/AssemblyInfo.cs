// One test class at a time: every class's in-process Cases binds a queue to the same event exchanges, so classes
// running together would each process every other class's events (harmless for the data, which is per tenant and
// per database, but it multiplies the load and made timing-sensitive tests flaky on two cores).
[assembly: CollectionBehavior(DisableTestParallelization = true)]

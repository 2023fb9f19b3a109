// One test class at a time: the service's consumers bind queues to the platform's event exchanges, so classes running
// together would each process the others' events (harmless for the data, per tenant and database, but a load two cores feel).
[assembly: CollectionBehavior(DisableTestParallelization = true)]

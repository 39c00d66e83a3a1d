// The delivery server's entry point: built in issue 25 (see docs/api.md#delivery).
export {};

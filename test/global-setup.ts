// Placeholder: filled in with database migration and bucket setup.
export default async function setup(): Promise<void> {}

// Store tables arrive with the store issue.
export {};

/** Input patterns shared by API schemas and web forms (kept free of TypeBox so forms stay small). */
export const USERNAME_PATTERN = '^[A-Za-z0-9_.-]{2,64}$';
export const MOBILE_PATTERN = '^1[3-9][0-9]{9}$';

declare module 'mock-firmata';

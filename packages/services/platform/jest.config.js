module.exports = require('@evm/jest-preset')();

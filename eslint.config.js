import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import {defineConfig} from 'eslint/config'
import tseslint from 'typescript-eslint'

export default defineConfig(
  {ignores: ['dist/**', 'coverage/**', 'oclif.manifest.json', 'node_modules/**']},
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-console': 'error',
    },
  },
  {
    files: ['bin/**/*.js', '.ci/**/*.js', 'bench/**', 'test/**', 'eslint.config.js'],
    languageOptions: {globals: {process: 'readonly', console: 'readonly', URL: 'readonly'}},
    rules: {'no-console': 'off', '@typescript-eslint/no-explicit-any': 'off'},
  },
  prettier,
)
